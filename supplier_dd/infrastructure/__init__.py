"""The outside world, behind plain functions: SMTP and email templates, reading and writing
spreadsheets, archive limits for uploads, backups and the bank-holiday calendar.

Nothing here calls a service or an entry point (web, cli, jobs); notification_mailer only fills
the services' Mailer protocol for an app.
"""
