"""HTTP glue shared by the handlers. Domain code never imports this package."""
