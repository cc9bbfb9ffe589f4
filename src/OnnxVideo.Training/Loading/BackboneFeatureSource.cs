using System.Collections.Concurrent;
using OnnxVideo.Ort;
using OnnxVideo.Training.Data;

namespace OnnxVideo.Training.Loading;

/// <summary>
/// Feeds a head-only training run with frozen-backbone features instead of clips: each clip is decoded and passed
/// through the backbone once, and its features are kept in memory for every later epoch. Only valid when the clip
/// source is deterministic (no random augmentation), which <see cref="Create"/> checks.
/// </summary>
internal sealed class BackboneFeatureSource : IClipSource, IDisposable
{
    private readonly IClipSource _clips;
    private readonly OrtSession _backbone;
    private readonly string _input;
    private readonly long[] _clipShape;
    private readonly ConcurrentDictionary<string, float[]> _training = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, float[]> _evaluation = new(StringComparer.Ordinal);

    private BackboneFeatureSource(IClipSource clips, OrtSession backbone, string input, int featureElements)
    {
        _clips = clips;
        _backbone = backbone;
        _input = input;
        _clipShape = backbone.Inputs.Single(i => i.Name == input).Shape.Skip(1).ToArray();
        SampleElements = featureElements;
    }

    public static BackboneFeatureSource Create(IClipSource clips, string backbonePath, string videoInput, long[] featureShape, int intraOpThreads)
    {
        if (!clips.TrainingIsDeterministic)
        {
            throw new ArgumentException("backbone features can only be cached when training clips are not randomly augmented");
        }
        var session = Packages.BackboneSession.Open(backbonePath, new OrtSessionOptions
        {
            IntraOpThreads = intraOpThreads,
            ExecutionMode = ExecutionMode.Sequential,
        });
        return new BackboneFeatureSource(clips, session, videoInput, checked((int)featureShape.Aggregate(1L, (a, b) => a * b)));
    }

    public int SampleElements { get; }
    public int EvaluationViews => _clips.EvaluationViews;
    public bool TrainingIsDeterministic => true;

    /// <summary>Clips whose features were computed (each at most once per kind).</summary>
    public int ComputedClips => _training.Count + _evaluation.Count;

    public async Task ReadTrainingAsync(VideoSample sample, int seed, Memory<float> destination, CancellationToken ct)
    {
        if (!_training.TryGetValue(sample.Path, out var features))
        {
            var clip = new float[_clips.SampleElements];
            await _clips.ReadTrainingAsync(sample, seed, clip, ct).ConfigureAwait(false);
            features = _training.GetOrAdd(sample.Path, Forward(clip, 1));
        }
        features.CopyTo(destination);
    }

    public async Task ReadEvaluationAsync(VideoSample sample, Memory<float> destination, CancellationToken ct)
    {
        if (!_evaluation.TryGetValue(sample.Path, out var features))
        {
            var clips = new float[_clips.SampleElements * _clips.EvaluationViews];
            await _clips.ReadEvaluationAsync(sample, clips, ct).ConfigureAwait(false);
            features = _evaluation.GetOrAdd(sample.Path, Forward(clips, _clips.EvaluationViews));
        }
        features.CopyTo(destination);
    }

    private float[] Forward(float[] clips, int count)
    {
        using var input = OrtValue.CreateTensor(clips, [count, .. _clipShape]);
        var outputs = _backbone.Run([_input], [input]);
        try
        {
            return outputs[0].ToArray<float>();
        }
        finally
        {
            foreach (var o in outputs)
            {
                o.Dispose();
            }
        }
    }

    public void Dispose() => _backbone.Dispose();
}
