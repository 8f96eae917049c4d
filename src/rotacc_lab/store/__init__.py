"""rotacc_lab.store"""
