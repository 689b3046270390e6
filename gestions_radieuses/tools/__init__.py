from .uploads import (
    DOCUMENT_MIMETYPES,
    RECEIPT_MIMETYPES,
    check_upload,
    check_uploaded_attachments,
    guess_upload_mimetype,
)
