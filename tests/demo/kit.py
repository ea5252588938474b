import pytest

from app.demo import loader

TYPE_SKILLS = {  # as seeded by migration 0001
    "general_repair": "plumbing",
    "meter_replacement": "meter",
    "water_connection": "connection",
    "emergency_repair": "emergency",
    "meter_reading_check": "meter",
    "water_quality_check": "water_quality",
    "theft_inspection": "inspection",
}


@pytest.fixture
def demo(app):
    """The demo city, loaded once into this test's (empty) database; its summary."""
    return loader.load()
