namespace OnnxVideo.Onnx.Shapes;

/// <summary>A graph whose shapes contradict each other (e.g. dims 3 and 4 broadcast together), naming the node.</summary>
internal sealed class ShapeInferenceException(string message) : Exception(message);
