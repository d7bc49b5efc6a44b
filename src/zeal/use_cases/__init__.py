"""Use cases that span domains: each calls the domains below it in order, in one transaction.

The domains (accounts, practice, friends, cohorts) never call each other's services nor the
packages that react to them (badges); a change that moves more than one domain is a module here.
"""
