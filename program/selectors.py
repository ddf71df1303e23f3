"""Reading the program's settings."""

from program.models import ProgramSettings


def program_settings() -> ProgramSettings:
    """The settings row, created with the defaults the first time it is asked for."""
    settings_row, _ = ProgramSettings.objects.get_or_create(pk=1)
    return settings_row
