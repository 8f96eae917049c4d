"""rotacc_lab.calculations"""
