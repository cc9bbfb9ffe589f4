namespace OnnxVideo.Runtime;

/// <summary>ONNX Runtime failed while running a batch; every clip of that batch gets this error.</summary>
public sealed class InferenceFailedException(string message, Exception inner) : Exception(message, inner);
