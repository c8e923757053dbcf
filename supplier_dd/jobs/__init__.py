"""The scheduler process, its job list, the jobs it runs and the outbox delivery."""
