"""rotacc_lab.exports"""
