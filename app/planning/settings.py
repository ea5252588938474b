"""Planning settings, from the environment with defaults; a plan stores the ones it used."""

import os

from flask import current_app

from app.planning.travel import TravelModel

DEFAULTS = {
    "PLANNING_ROAD_FACTOR": "1.3",
    "PLANNING_SPEED_KMH": "25",
    "PLANNING_SERVICE_MINUTES": "45",
    # Per type, "code=minutes,..."; types not named take PLANNING_SERVICE_MINUTES.
    "PLANNING_SERVICE_MINUTES_BY_TYPE": "meter_reading_check=20,meter_replacement=40,"
    "water_connection=60,water_quality_check=30",
    "PLANNING_LUNCH_SLACK_MINUTES": "30",  # lunch may move this much to finish a job first
    "PLANNING_OPEN_WINDOW_MINUTES": "60",  # an appointment with a start and no end
    "PLANNING_SOLVE_SECONDS": "8",  # VROOM stops and returns its best plan by then
    # VROOM exploration level 0-5: each level adds searches; level 0 already plans 50
    # technicians and 500 orders within seconds (bench/bench_planning.py), level 5 takes minutes.
    "PLANNING_EXPLORATION": "0",
    "PLANNING_THREADS": "2",
    "PLANNING_HORIZON_DAYS": "31",  # how far ahead a day can be planned
}


def init_app(app):
    for name, default in DEFAULTS.items():
        app.config.setdefault(name, os.environ.get(name, default))


def parse_minutes_by_type(text):
    pairs = (item.split("=") for item in text.split(",") if item.strip())
    return {code.strip(): int(minutes) for code, minutes in pairs}


def current():
    """The settings a new plan is made with, as stored on the plan (plain JSON)."""
    config = current_app.config
    return {
        "road_factor": float(config["PLANNING_ROAD_FACTOR"]),
        "speed_kmh": float(config["PLANNING_SPEED_KMH"]),
        "service_minutes": int(config["PLANNING_SERVICE_MINUTES"]),
        "service_minutes_by_type": parse_minutes_by_type(
            config["PLANNING_SERVICE_MINUTES_BY_TYPE"]
        ),
        "lunch_slack_minutes": int(config["PLANNING_LUNCH_SLACK_MINUTES"]),
        "open_window_minutes": int(config["PLANNING_OPEN_WINDOW_MINUTES"]),
    }


def solve_options():
    config = current_app.config
    return {
        "timeout_s": float(config["PLANNING_SOLVE_SECONDS"]),
        "exploration": int(config["PLANNING_EXPLORATION"]),
        "threads": int(config["PLANNING_THREADS"]),
    }


def horizon_days():
    return int(current_app.config["PLANNING_HORIZON_DAYS"])


def travel_model(settings):
    return TravelModel(settings["road_factor"], settings["speed_kmh"])


def service_seconds(settings, type_code):
    minutes = settings["service_minutes_by_type"].get(type_code, settings["service_minutes"])
    return minutes * 60
