namespace OnnxVideo.Training.Adversarial;

/// <summary>How an adversarial clip is made from the loss gradient with respect to the input.</summary>
public enum AttackKind
{
    /// <summary>One step of ε·sign(∇) (Goodfellow et al., fast gradient sign method).</summary>
    Fgsm,
    /// <summary>k steps of α·sign(∇), each projected back into the L∞ ball of radius ε (Madry et al.), from the clean clip.</summary>
    Pgd,
}
