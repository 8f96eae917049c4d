"""rotacc_lab.generation.optimisation"""
