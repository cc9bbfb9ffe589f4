using OnnxVideo.Media;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Adversarial;

/// <summary>
/// Robust accuracy: each video's centre clip (one clip, one crop, whatever the contract's test views) is classified
/// as it is and after the attack, with labels taken from the data. A clip that cannot be read is left out and
/// reported; one more than <c>maxFailedClips</c> stops with <see cref="TooManyFailedClipsException"/>.
/// </summary>
public static class AdversarialEvaluation
{
    public static async Task<AdversarialEvaluationResult> RunAsync(InputGradientModel model, PreprocessingContract contract,
        IReadOnlyList<VideoSample> samples, AttackSpec attack, int batchSize = 8, int maxFailedClips = 100, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var reader = new VideoClipReader(contract with { TestClips = 1, TestCrops = 1 });
        var n = reader.SampleElements;
        if (n != model.SampleElements)
        {
            throw new ArgumentException($"the contract makes samples of {n} values, the model takes {model.SampleElements}", nameof(contract));
        }
        var failures = new List<ClipFailure>();
        int clips = 0, clean = 0, robust = 0;
        for (var start = 0; start < samples.Count; start += batchSize)
        {
            var batch = new List<(float[] Clip, int Label)>();
            for (var i = start; i < Math.Min(samples.Count, start + batchSize); i++)
            {
                var clip = new float[n];
                try
                {
                    await reader.ReadTestSamplesAsync(samples[i].Path, clip, ct).ConfigureAwait(false);
                    batch.Add((clip, samples[i].Label));
                }
                catch (VideoInputException e)
                {
                    failures.Add(new ClipFailure(i, samples[i].Path, e.Problem));
                    if (failures.Count > maxFailedClips)
                    {
                        throw new TooManyFailedClipsException(failures.Count, maxFailedClips, failures[^1]);
                    }
                }
            }
            if (batch.Count == 0)
            {
                continue;
            }
            var inputs = batch.SelectMany(b => b.Clip).ToArray();
            var labels = batch.Select(b => b.Label).ToArray();
            clean += Correct(model.Run(inputs, labels, null), labels);
            var adversarial = AdversarialPerturbation.Perturb(inputs, labels, attack, contract, model.Gradient);
            robust += Correct(model.Run(adversarial, labels, null), labels);
            clips += batch.Count;
        }
        return new AdversarialEvaluationResult(attack.ToString(), clips, clips == 0 ? 0 : (double)clean / clips,
            clips == 0 ? 0 : (double)robust / clips, failures);
    }

    /// <summary>Clips whose highest logit is their label.</summary>
    internal static int Correct(float[] logits, int[] labels)
    {
        var classes = logits.Length / labels.Length;
        var correct = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var row = logits.AsSpan(i * classes, classes);
            var best = 0;
            for (var c = 1; c < classes; c++)
            {
                if (row[c] > row[best]) best = c;
            }
            correct += best == labels[i] ? 1 : 0;
        }
        return correct;
    }
}
