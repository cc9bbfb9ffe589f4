namespace OnnxVideo.Packaging;

/// <summary>
/// A running statistic that training updates without a gradient (a BatchNormalization mean or variance in training
/// mode, PyTorch's "buffer"): <see cref="Name"/> is its graph input in every graph and its tensor in
/// trainable.safetensors, <see cref="Updated"/> the train-step/gradients output with its next value.
/// </summary>
internal sealed record PackageBufferEntry(string Name, long[] Shape, string Updated);
