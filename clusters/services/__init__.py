"""Every write in clusters, one module per subdomain: memberships, initiatives,
discussions and documents, and the curators' decisions."""
