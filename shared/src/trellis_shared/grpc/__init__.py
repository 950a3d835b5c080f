"""gRPC plumbing: server bootstrap, auth tokens and interceptors, error mapping."""
