"""dbbackup's ``mediabackup``, archiving both folders of uploaded files.

It takes the place of dbbackup's own command (this app comes first in INSTALLED_APPS), so
that whoever runs ``mediabackup`` directly gets the private documents too.
"""

from workplace.backup import UploadedFilesBackupCommand as Command

__all__ = ["Command"]
