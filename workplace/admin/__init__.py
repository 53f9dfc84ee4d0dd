"""The federation's screens in the Wagtail admin; ``workplace.wagtail_hooks`` registers them."""
