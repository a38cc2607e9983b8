"""SQLAlchemy 2.0 typed tables of a campaign file, the engine and the migrations."""
