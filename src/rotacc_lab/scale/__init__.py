"""rotacc_lab.scale"""
