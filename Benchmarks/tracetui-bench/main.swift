import TraceModel
print("bench")
