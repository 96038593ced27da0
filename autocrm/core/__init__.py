"""What every app shares: the form base, the API base view and pagination, the project's
`/api/` routes with the token login, the bulk COPY writer with history, the permission
decorator, the registries through which apps plug in (menu entries, home cards, customer
panels, timeline kinds, API routes) and shared templates such as the pagination footer.

It sits just above `tenancy` and imports no app.
"""
