"""dbbackup's ``mediarestore``, putting each uploaded file back into the folder it came from.

It takes the place of dbbackup's own command (this app comes first in INSTALLED_APPS):
dbbackup's would unpack the private documents of an archive under the public MEDIA_ROOT.
"""

from workplace.backup import UploadedFilesRestoreCommand as Command

__all__ = ["Command"]
