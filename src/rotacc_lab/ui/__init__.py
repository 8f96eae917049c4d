"""rotacc_lab.ui"""
