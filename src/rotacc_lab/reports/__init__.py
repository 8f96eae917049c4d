"""rotacc_lab.reports"""
