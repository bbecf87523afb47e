"""Money in: deposits through payment processors and manual methods, credited exactly once."""
