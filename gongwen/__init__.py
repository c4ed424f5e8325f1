"""gongwen: reply letters (答复函) from YAML to DOCX and PDF laid out to GB/T 9704-2012."""
