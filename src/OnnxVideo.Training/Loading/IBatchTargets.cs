namespace OnnxVideo.Training.Loading;

/// <summary>
/// Attaches to each assembled batch what the model is trained against besides the clips' labels (the token tensors
/// of captioned clips). Must depend only on the batch's sample indices, the seed and the epoch, so a resumed epoch
/// sees the same targets.
/// </summary>
internal interface IBatchTargets
{
    ClipBatch ForTraining(ClipBatch batch, int seed, int epoch);

    ClipBatch ForEvaluation(ClipBatch batch);
}
