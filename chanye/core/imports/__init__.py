"""The one import mechanism (DESIGN.md): read a sheet safely, validate every row, then write all or nothing."""
