"""After `pulumi up`: page the team once through the Events API and resolve it (`oncall smoke`)."""
