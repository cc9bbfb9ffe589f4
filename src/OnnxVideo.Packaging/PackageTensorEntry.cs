namespace OnnxVideo.Packaging;

/// <summary>A frozen tensor stored in frozen.safetensors: name (the ONNX initializer name), element type and shape.</summary>
internal sealed record PackageTensorEntry(string Name, string DType, long[] Shape);
