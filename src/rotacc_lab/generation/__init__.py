"""rotacc_lab.generation"""
