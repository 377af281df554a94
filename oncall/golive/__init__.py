"""What runs after `pulumi up`: the go-live check, the Events API, the Quicksilver hook."""
