"""Alembic migrations of the qcity data store (run through ``qcity.data.store.Store.upgrade``)."""
