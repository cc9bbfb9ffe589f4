using OnnxVideo.Ort;

namespace OnnxVideo.Training.Sessions;

/// <summary>The loss gradient with respect to the input clips, for adversarial examples (FGSM, PGD).</summary>
public sealed partial class TrainingSession
{
    private readonly OrtIoBinding?[] _inputGradientBindings = new OrtIoBinding?[2];
    private OrtSession? _inputGradient;

    /// <summary>True when the package holds the input-gradient graph (<c>onnxvideo-export package --adversarial</c>).</summary>
    public bool HasInputGradient => _package.InputGradientPath is not null;

    /// <summary>
    /// Writes d loss / d video for the batch into <paramref name="gradient"/> (same length as <paramref name="video"/>),
    /// computed with the current weights and BatchNormalization's running statistics (the model as evaluated);
    /// returns the loss and logits. Updates nothing.
    /// </summary>
    public EvalResult InputGradient(Memory<float> video, ReadOnlySpan<int> labels, Memory<float> gradient)
    {
        ThrowIfDisposed();
        var path = _package.InputGradientPath ?? throw new TrainingSessionException(_package.Directory,
            "the package has no input-gradient graph, which adversarial training needs: compile it with `onnxvideo-export package --adversarial`");
        if (gradient.Length != video.Length)
        {
            throw new ArgumentException($"the gradient buffer holds {gradient.Length} values, the batch {video.Length}", nameof(gradient));
        }
        var session = _inputGradient ??= SessionGraphChecks.WithLossAndLogits(CreateSession(path), path, _package.Names);
        var binding = _inputGradientBindings[_parity] ??= CreateReadBinding(session, _parity);
        using var gradientValue = OrtValue.CreateTensor(gradient, [labels.Length, .. SampleShape]);
        binding.BindOutput(_package.Names.VideoGradient, gradientValue);
        var logits = RunBatch(session, binding, video, labels, default, tokens: null);
        return new EvalResult(_loss[0], logits);
    }

    private void DisposeInputGradient()
    {
        foreach (var binding in _inputGradientBindings)
        {
            binding?.Dispose();
        }
        _inputGradient?.Dispose();
    }
}
