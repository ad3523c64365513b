"""The collection phase: the only layer that talks to Azure."""
