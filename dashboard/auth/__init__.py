"""Who may see what: accounts, kiosk tokens, roles and their scope, sign-in, the audit log.

Everything here is kept in the app database (``appdb``), never in the warehouse: the
warehouse is rebuilt from the sources, the accounts and their trail are not.
"""
