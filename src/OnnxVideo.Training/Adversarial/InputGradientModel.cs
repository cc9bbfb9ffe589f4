using OnnxVideo.Ort;

namespace OnnxVideo.Training.Adversarial;

/// <summary>
/// Runs an input-gradient graph (inputs: clips and int64 labels; outputs: logits, loss, d loss / d clips) built from
/// an inference model (OnnxVideo.Models' <c>InputGradientGraph.FromInferenceModel</c>) on the CPU.
/// </summary>
public sealed class InputGradientModel : IDisposable
{
    private readonly OrtSession _session;
    private readonly string _video;
    private readonly long[] _sampleShape;

    public InputGradientModel(byte[] model, string name, int intraOpThreads = 0,
        string labels = "labels", string logits = "logits", string videoGradient = "video_grad")
    {
        _session = new OrtSession(model, new OrtSessionOptions { IntraOpThreads = intraOpThreads, InterOpThreads = 1 }, name);
        try
        {
            _video = _session.InputNames.First(n => n != labels);
            var shape = _session.Inputs.First(i => i.Name == _video).Shape;
            _sampleShape = shape.Skip(1).ToArray();
            if (_sampleShape.Any(d => d <= 0) || !_session.OutputNames.Contains(logits) || !_session.OutputNames.Contains(videoGradient))
            {
                throw new InvalidOperationException($"{name} is not an input-gradient graph with fixed sample dimensions");
            }
            Labels = labels;
            LogitsName = logits;
            VideoGradientName = videoGradient;
            SampleElements = (int)_sampleShape.Aggregate(1L, (a, b) => a * b);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public int SampleElements { get; }
    private string Labels { get; }
    private string LogitsName { get; }
    private string VideoGradientName { get; }

    /// <summary>Logits (count × classes) of <paramref name="clips"/>; writes d loss / d clips into <paramref name="gradient"/> when it is not null.</summary>
    public float[] Run(float[] clips, int[] labels, float[]? gradient)
    {
        var n = labels.Length;
        using var video = OrtValue.CreateTensor(clips, [n, .. _sampleShape]);
        using var labelValue = OrtValue.CreateTensor(labels.Select(l => (long)l).ToArray(), n);
        string[] outputs = gradient is null ? [LogitsName] : [LogitsName, VideoGradientName];
        var values = _session.Run([_video, Labels], [video, labelValue], outputs);
        try
        {
            if (gradient is not null)
            {
                values[1].ToArray<float>().CopyTo(gradient, 0);
            }
            return values[0].ToArray<float>();
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }

    /// <summary>This model as the gradient function of <see cref="AdversarialPerturbation.Perturb"/>.</summary>
    public InputGradientFunction Gradient => (clips, labels, gradient) => Run(clips, labels, gradient);

    public void Dispose() => _session.Dispose();
}
