"""Planning settings (PLANNING_* in app/config.py), parsed; a plan stores the ones it used."""

from flask import current_app

from app.config import PLANNING_DEFAULTS
from app.planning.travel import TravelModel

DEFAULTS = PLANNING_DEFAULTS  # the bench runs the planner with these


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
