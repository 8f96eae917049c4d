"""rotacc_lab.generation.phases"""
