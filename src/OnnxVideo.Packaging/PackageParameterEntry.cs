namespace OnnxVideo.Packaging;

/// <summary>
/// A trainable parameter: <see cref="Name"/> is its ONNX initializer name, its graph input name and its tensor name in
/// trainable.safetensors; <see cref="Updated"/> is the train-step/optimizer output with its next value,
/// <see cref="Gradient"/> the gradients-graph output and optimizer-graph input holding d loss / d parameter;
/// <see cref="LearningRateScale"/> multiplies the lr input in its update (layer-wise decay, compiled into the graphs).
/// </summary>
internal sealed record PackageParameterEntry(
    string Name,
    long[] Shape,
    bool WeightDecay,
    string Gradient,
    string Updated,
    IReadOnlyList<PackageStateEntry> State,
    float LearningRateScale = 1f);
