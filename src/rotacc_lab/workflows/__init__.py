"""rotacc_lab.workflows"""
