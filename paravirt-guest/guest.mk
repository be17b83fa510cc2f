# Our guest is built from here once it exists.
.PHONY: guest-images
guest-images:
