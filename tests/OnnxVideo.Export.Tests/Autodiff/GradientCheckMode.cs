namespace OnnxVideo.Export.Tests.Autodiff;

internal enum GradientCheckMode
{
    /// <summary>Analytic gradients against central finite differences of the forward graph run in ORT.</summary>
    FiniteDifferences,

    /// <summary>
    /// Training-mode Dropout is random per run, so finite differences do not apply: the gradient must equal
    /// R ⊙ mask / (1 − 0.5) with the mask ORT produced in the same run (the case exposes it as "mask").
    /// </summary>
    DropoutMask,
}
