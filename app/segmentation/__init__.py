"""Customer segmentation: RFM scores and groups, and KMeans segments that explain themselves."""
