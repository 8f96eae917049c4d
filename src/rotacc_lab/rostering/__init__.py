"""Pieces shared by every team rostered from shift types (departments, care homes).

``shifts`` holds shift types with clock times and assignments; ``rules`` the
contract safety checker, independent of any solver.
"""
