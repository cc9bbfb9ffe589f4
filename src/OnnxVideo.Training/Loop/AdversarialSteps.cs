using OnnxVideo.Media;
using OnnxVideo.Training.Adversarial;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Loop;

/// <summary>
/// Adversarial training: each batch's adversarial clips (the attack on the current weights, through the package's
/// input-gradient graph) are appended to its clean clips, and one fused step trains on both (2·B clips, the mean
/// loss of the two halves). The reported loss is that mixed loss; the logits are the clean half's.
/// </summary>
internal sealed class AdversarialSteps(TrainingSession session, AttackSpec attack, PreprocessingContract contract) : IStepPolicy
{
    public void BeginEpoch()
    {
    }

    public BatchOutcome Step(ClipBatch batch, bool lastOfEpoch)
    {
        var adversarial = AdversarialPerturbation.Perturb(batch.Inputs, batch.Labels, attack, contract,
            (clips, labels, gradient) => session.InputGradient(clips, labels, gradient));
        var inputs = new float[batch.Inputs.Length * 2];
        batch.Inputs.CopyTo(inputs, 0);
        adversarial.CopyTo(inputs, batch.Inputs.Length);
        int[] labels = [.. batch.Labels, .. batch.Labels];
        var result = session.TrainStep(inputs, labels);
        var clean = result.Logits.AsSpan(0, result.Logits.Length / 2).ToArray();
        return new BatchOutcome(result.Loss, clean, result.GradientNorm, StepTaken: true, result.Applied);
    }
}
