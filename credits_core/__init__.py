"""Rules and tables the app and the server share: cards, decline texts, currencies, the version.

Pure standard-library Python that imports nothing else of this project, so `widgets/`, `screens/`,
`credits_client/` and `credits_server/` can all depend on it without depending on each other.
Importing the package loads none of its modules; import the one you need.
"""

__all__: list[str] = []
