"""The enrolment engine: plain Python over an injected boto3 client, no Textual, no printing."""
