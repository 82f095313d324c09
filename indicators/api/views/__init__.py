"""The indicators API views, one module per room: catalogue, values, results, DTI."""
