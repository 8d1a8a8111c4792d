// `cvr`: the command-line tool (placeholder until the data commands land).
print("cvr")
