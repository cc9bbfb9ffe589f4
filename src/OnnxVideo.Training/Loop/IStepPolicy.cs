using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Loop;

/// <summary>How batches become optimizer steps: one step per batch, or one per group of accumulated micro-batches.</summary>
internal interface IStepPolicy
{
    void BeginEpoch();

    /// <summary>Trains on <paramref name="batch"/>; <paramref name="lastOfEpoch"/> ends any open group of micro-batches.</summary>
    BatchOutcome Step(ClipBatch batch, bool lastOfEpoch);
}
